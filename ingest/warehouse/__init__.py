"""The warehouse: seeds written, dbt built and tested, Great Expectations, published by
rename, reported, queried, exported, compared with Spark."""
