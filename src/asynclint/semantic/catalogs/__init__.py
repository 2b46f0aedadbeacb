"""What asynclint knows about libraries, as data only: one table per question, extended in one
line. The modules that read these tables live one level up (`semantic/`)."""
