"""Services that orchestrate the layers below: ingest, translate, pending work, run
summaries. The command line and the flows call these; they call the queue, the readers
and the MT engine."""
