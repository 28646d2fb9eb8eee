from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from azad.model import Article, Block, ListItem, Metadata, Segment

text = st.text(min_size=1, max_size=40)


@st.composite
def segments(draw: st.DrawFn, prefix: str) -> list[Segment]:
    texts = draw(st.lists(text, min_size=1, max_size=4))
    return [Segment(id=f"{prefix}.s{n}", text=t) for n, t in enumerate(texts, start=1)]


@st.composite
def blocks(draw: st.DrawFn) -> list[Block]:
    out: list[Block] = []
    for n in range(1, draw(st.integers(0, 6)) + 1):
        bid = f"b{n}"
        kind = draw(st.sampled_from(["heading", "paragraph", "quote", "list"]))
        if kind == "list":
            items = [
                ListItem(id=f"{bid}.i{i}", segments=draw(segments(f"{bid}.i{i}")))
                for i in range(1, draw(st.integers(1, 3)) + 1)
            ]
            out.append(Block(id=bid, kind="list", ordered=draw(st.booleans()), items=items))
        else:
            level = 2 if kind == "heading" else None
            out.append(Block(id=bid, kind=kind, level=level, segments=draw(segments(bid))))
    return out


metadata = st.builds(
    Metadata,
    title=text,
    subtitle=st.none() | text,
    author=st.none() | text,
    date=st.none() | st.dates(),
    section=st.none() | text,
    source_file=text,
    source_sha256=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    source_format=st.sampled_from(["text-export", "pdf", "markdown", "html", "docx"]),
    url=st.none() | text,
    author_note=st.none() | text,
)


@given(metadata, blocks())
def test_article_json_round_trip(meta: Metadata, body: list[Block]) -> None:
    article = Article(meta=meta, blocks=body)
    assert Article.from_json(article.to_json()) == article


def test_segments_in_reading_order() -> None:
    article = Article(
        meta=Metadata(
            title="T", source_file="a.md", source_sha256="0" * 64, source_format="markdown"
        ),
        blocks=[
            Block(id="b1", kind="paragraph", segments=[Segment(id="b1.s1", text="One.")]),
            Block(
                id="b2",
                kind="list",
                items=[
                    ListItem(id="b2.i1", segments=[Segment(id="b2.i1.s1", text="Two")]),
                    ListItem(id="b2.i2", segments=[Segment(id="b2.i2.s1", text="Three")]),
                ],
            ),
        ],
    )
    assert [s.id for s in article.segments()] == ["b1.s1", "b2.i1.s1", "b2.i2.s1"]
    assert article.blocks[1].text == "Two\nThree"
