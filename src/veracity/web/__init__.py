"""The web app and REST API (`veracity serve`): a thin shell over `veracity.analyze` with stored reports.

from veracity.web.app import create_app      # FastAPI; see app.py
"""
