from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azad.sentences import normalize_space, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. M. Karimi, a hydrologist who has worked on the basin for two decades, argues "
            "that shared data must come first. Others disagree.",
            [
                "Dr. M. Karimi, a hydrologist who has worked on the basin for two decades, "
                "argues that shared data must come first.",
                "Others disagree.",
            ],
        ),
        (
            "The U.S. and the U.K. signed it. Then it failed.",
            ["The U.S. and the U.K. signed it.", "Then it failed."],
        ),
        (
            "Mrs. F. Rahimi runs it. Prof. J. R. Ahmadi agrees.",
            ["Mrs. F. Rahimi runs it.", "Prof. J. R. Ahmadi agrees."],
        ),
        (
            "The tunnel is 2.6 kilometres long. It cost $3.5 million.",
            ["The tunnel is 2.6 kilometres long.", "It cost $3.5 million."],
        ),
        (
            "He told reporters: “When the canal is empty in June, there is nothing left. We "
            "leave.” Aid agencies agree.",
            [
                "He told reporters: “When the canal is empty in June, there is nothing left. "
                "We leave.”",
                "Aid agencies agree.",
            ],
        ),
        (
            'She said: "Sometimes we sleep two nights in the cab. We have no choice." It is cold.',
            [
                'She said: "Sometimes we sleep two nights in the cab. We have no choice."',
                "It is cold.",
            ],
        ),
        (
            "Exporters sell it to the U.A.E. and China.",
            ["Exporters sell it to the U.A.E. and China."],
        ),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_line_breaks_inside_a_paragraph_are_spaces() -> None:
    assert split_sentences("One line\nwraps here. Next\n\tsentence.") == [
        "One line wraps here.",
        "Next sentence.",
    ]


words = st.text(alphabet=st.characters(categories=["L", "N", "P"]), min_size=1, max_size=12)


@given(st.lists(words, min_size=1, max_size=40))
def test_sentences_cover_the_text(parts: list[str]) -> None:
    text = " ".join(parts)
    assert " ".join(split_sentences(text)) == normalize_space(text)
