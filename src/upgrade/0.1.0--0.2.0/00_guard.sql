-- innotrue 0.1.0 -> 0.2.0. Each numbered file beside this one is one area's part of the step; the
-- Makefile joins them in order into innotrue--0.1.0--0.2.0.sql. Every statement names its schema.

\echo Use "ALTER EXTENSION innotrue UPDATE TO '0.2.0'" to load this file. \quit
