-- bench/peer/setup.sql: the PostgreSQL + pgcrypto + pgaudit peer that
-- scripts/cluster-bench measures beside mamori, in its own database on the
-- same PostgreSQL server the mamori servers use. What a user would build
-- instead of mamori: each record a JSON document encrypted by pgcrypto's
-- encrypt(..., 'aes'), found by an HMAC-SHA-256 blind index of its My
-- Number, every read and write logged by pgaudit (set on this database only
-- by scripts/cluster-bench, so that mamori's own statements are not logged).
--
-- Run with psql -v ON_ERROR_STOP=1 in the peer's database. The keys are the
-- bench's own constants, passed as literals the way an application passes
-- them as parameters (so pgaudit's log holds them, as it would the peer's).
-- 100 000 rows are preloaded for the gets; every My Number is synthetic,
-- eleven random digits and the check digit.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
DROP TABLE IF EXISTS rec;
CREATE TABLE rec (id bigserial PRIMARY KEY, mn_idx bytea, payload bytea);
CREATE INDEX rec_mn_idx ON rec (mn_idx);

-- The check digit of an 11-digit base (the My Number rule: weights 2..7
-- then 2..6 from the right, 11 minus the remainder mod 11, 0 for 0 or 1).
CREATE FUNCTION pg_temp.my_number(base bigint) RETURNS text LANGUAGE sql AS $$
  SELECT base::text || (
    SELECT CASE WHEN s % 11 <= 1 THEN 0 ELSE 11 - s % 11 END
    FROM (SELECT sum((base / power(10, k)::bigint) % 10 * CASE WHEN k < 6 THEN k + 2 ELSE k - 4 END) AS s
          FROM generate_series(0, 10) AS k) AS w)::text
$$;

INSERT INTO rec (mn_idx, payload)
SELECT hmac(mn, 'peer-bench-index-key', 'sha256'),
       encrypt(convert_to('{"my_number":"' || mn || '","name":"試験 花子","name_kana":"シケン ハナコ","birth_date":"1991-05-02"}', 'UTF8'),
               'peer-bench-record-key', 'aes')
FROM (SELECT pg_temp.my_number(10000000000 + i * 7919) AS mn FROM generate_series(1, 100000) AS i) AS g;
ANALYZE rec;
