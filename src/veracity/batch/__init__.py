"""Batch analysis at scale: many inputs -> a Parquet dataset, resumable, on local workers or a Dask cluster.

A front end beside the CLI: it parses inputs, calls one `Analyzer` per worker process and writes tables; the
analysis itself is `veracity.pipeline`'s. `veracity batch` (cli/batch.py) is the command-line shell over it.

    from veracity.batch import BatchConfig, run_batch
    summary = run_batch(BatchConfig(inputs=[Path("articles/")], out="out", workers=2))
"""

from veracity.batch.run import BatchConfig, BatchSummary, run_batch

__all__ = ["BatchConfig", "BatchSummary", "run_batch"]
