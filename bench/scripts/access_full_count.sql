-- The owner's full unfiltered count of the resource library (what a scan of every row costs).
SELECT count(*) FROM innotrue.resource_library;
