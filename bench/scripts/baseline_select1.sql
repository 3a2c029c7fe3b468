-- Physical baseline: one prepared round trip that does no work. Every figure is bounded by it.
SELECT 1;
