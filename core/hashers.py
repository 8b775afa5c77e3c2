"""Password hashing: Argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1).

Django's own Argon2 hasher defaults to 100 MiB and 8 lanes — about ten times the memory for no
gain on a 2-core server, and a morning login storm that would swap. Hashes made with other
parameters or another algorithm (PBKDF2 from before) are re-hashed at the next successful login
(Django's ``must_update``)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
