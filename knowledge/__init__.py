"""The bureau's responsibility list as cited, structured records with hybrid retrieval."""
