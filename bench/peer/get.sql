-- bench/peer/get.sql (pgbench): the peer's get, one record by a random id
-- among the 100 000 preloaded, decrypted by pgcrypto.
\set id random(1, 100000)
SELECT convert_from(decrypt(payload, 'peer-bench-record-key', 'aes'), 'UTF8') FROM rec WHERE id = :id;
