"""What names mean: imports, scopes, the enclosing function, and (later) light type inference."""
