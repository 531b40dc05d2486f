"""veracity: a credibility report for a news article.

>>> import veracity
>>> report = veracity.analyze("article.txt", url="https://example.org/story")
>>> report = veracity.analyze(text="Officials said on Tuesday ...", corpora=["iraq"])
"""

from veracity._version import __version__

__all__ = ["AnalyzeOptions", "Analyzer", "Report", "__version__", "analyze", "stage"]


def __getattr__(name: str):
    # Lazy: `import veracity` stays cheap; the pipeline (and its models) load when first used.
    if name in ("Analyzer", "analyze"):
        from veracity import pipeline

        return getattr(pipeline, name)
    if name == "AnalyzeOptions":
        from veracity.options import AnalyzeOptions

        return AnalyzeOptions
    if name == "stage":
        from veracity.registry import stage

        return stage
    if name == "Report":
        from veracity.schema import Report

        return Report
    raise AttributeError(name)
