-- bench/peer/put.sql (pgbench): the peer's put, one INSERT of a record
-- encrypted by pgcrypto with its HMAC blind index. The My Number (eleven
-- random digits and the check digit) is made by pgbench, as bench_cluster
-- makes mamori's on the client side.
\set b random(10000000000, 99999999999)
\set s (:b % 10) * 2 + (:b / 10 % 10) * 3 + (:b / 100 % 10) * 4 + (:b / 1000 % 10) * 5 + (:b / 10000 % 10) * 6 + (:b / 100000 % 10) * 7 + (:b / 1000000 % 10) * 2 + (:b / 10000000 % 10) * 3 + (:b / 100000000 % 10) * 4 + (:b / 1000000000 % 10) * 5 + (:b / 10000000000 % 10) * 6
\set mn :b * 10 + case when :s % 11 <= 1 then 0 else 11 - :s % 11 end
INSERT INTO rec (mn_idx, payload) VALUES (hmac(CAST(:mn AS text), 'peer-bench-index-key', 'sha256'), encrypt(convert_to('{"my_number":"' || :mn || '","name":"試験 花子","name_kana":"シケン ハナコ","birth_date":"1991-05-02"}', 'UTF8'), 'peer-bench-record-key', 'aes'));
