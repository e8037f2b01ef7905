def mask_iin(iin: str) -> str:
    """An IIN fit for logs: the birth date and check digit hidden."""
    return f"{iin[:2]}******{iin[8:11]}*" if len(iin) == 12 else "****"
