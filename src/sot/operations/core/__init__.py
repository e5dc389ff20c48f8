"""Plain domain rules (no Django): status lifecycle, fuel arithmetic, freshness."""
