"""Reading and writing annotation files. Each format module is pure: text in, domain objects out."""
