"""The night audit: closing the business date, step by step, once, resumable after a crash."""
