"""Operations: the health of an installation (`pms doctor`), its backups and restores, and the
structured log every command writes."""
