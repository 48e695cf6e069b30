"""Registration domain models: built in the registration engine issue (DESIGN.md section 4)."""
