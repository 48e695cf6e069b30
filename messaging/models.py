"""Sending API models: messages, opt-outs, webhooks (DESIGN.md section 6)."""
