"""SQLCipher vault, key slots, ORM mapping, repositories, unit of work, migrations."""
