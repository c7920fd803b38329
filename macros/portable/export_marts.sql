{#-
    Export every model of the marts schema to <target_dir>/<model>.parquet, so two engines'
    builds can be compared (ingest/warehouse/spark_compare.py). On Spark each export is a directory
    holding one part file; on DuckDB a single file.
    Usage: dbt run-operation export_marts --args '{target_dir: /abs/path}'
-#}
{% macro export_marts(target_dir, schema='marts') -%}
    {%- set exported = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='name') -%}
        {%- if node.resource_type == 'model' and node.schema == schema
            and node.config.materialized in ('table', 'view', 'incremental') -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- set path = target_dir ~ '/' ~ node.alias ~ '.parquet' -%}
            {%- do run_query(export_relation_sql(relation, path)) -%}
            {%- do exported.append(node.alias) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ log('exported ' ~ (exported | length) ~ ' marts to ' ~ target_dir, info=true) }}
{%- endmacro %}

{% macro export_relation_sql(relation, path) -%}
    {{ return(adapter.dispatch('export_relation_sql', 'municipal_reports')(relation, path)) }}
{%- endmacro %}

{% macro default__export_relation_sql(relation, path) -%}
    copy (select * from {{ relation }}) to '{{ path }}' (format parquet)
{%- endmacro %}

{% macro spark__export_relation_sql(relation, path) -%}
    insert overwrite directory '{{ path }}' using parquet
    select /*+ coalesce(1) */ * from {{ relation }}
{%- endmacro %}
