"""Pricing: catalogue prices, discounts and taxes."""
