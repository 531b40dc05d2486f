"""veracity: a credibility report for a news article.

>>> from veracity import analyze
>>> report = analyze("article.txt", url="https://example.org/story")
"""

__version__ = "0.1.0"

__all__ = ["Analyzer", "Report", "__version__", "analyze", "stage"]


def __getattr__(name: str):
    # Lazy: `import veracity` stays cheap; the pipeline (and its models) load when first used.
    if name in ("Analyzer", "analyze", "stage"):
        from veracity import pipeline

        return getattr(pipeline, name)
    if name == "Report":
        from veracity.schema import Report

        return Report
    raise AttributeError(name)
