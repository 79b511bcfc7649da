"""Constructs of the Kehou CDK app; ``kehou_stack.KehouStack`` composes them."""
