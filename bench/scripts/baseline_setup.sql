-- Setup of the physical baselines (run once by bench/run after bench/generate): a plain table of
-- one counter per generated user, so the UPDATE baselines measure PostgreSQL's own cost of a
-- guarded single-row UPDATE with no extension code, trigger or foreign key involved.
CREATE TABLE public.bench_counters (
    user_id uuid PRIMARY KEY,
    balance bigint NOT NULL
);
INSERT INTO public.bench_counters (user_id, balance)
SELECT id, 1000000000 FROM public.bench_users;
