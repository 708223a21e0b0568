"""Talking to Telegram: requests, retries, the rate limiter, the sender, persistence, the
webhook server and metrics."""
