"""Closing the loop: follow-ups on unhappy answers, from alert to resolution."""
