"""carelake's Airflow support code: settings and job definitions shared by every DAG.

Nothing here imports Airflow or Spark, opens a connection or reads the properties file at import
time, so DAG files that import it stay fast to parse.
"""
