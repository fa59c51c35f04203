"""Renderers: each walks a finished Derivation; none differentiates."""
