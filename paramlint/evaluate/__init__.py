"""The bounded evaluator: a small, safe interpreter for model-building Python over the CST."""
