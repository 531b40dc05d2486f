"""The lab: how the shipped models were made and how they are measured — trainers, dataset readers, scorers, evals.

By model: `claims/` (check-worthiness), `persuasion/` (technique tagger and classifier), `evidence/` (retriever,
re-ranker, claim matching), `verify/` (NLI verifier, relatedness gate, verdict aggregator), `attribution/` (its
eval); `training.py` and `training_mpnet.py` are the shared torch plumbing and the MPNet-base teacher's parts.
The lab may import the product; the product never imports the lab (import-linter), except through
`veracity train` and `veracity eval`. Needs the `train` extra for anything that trains.
"""
