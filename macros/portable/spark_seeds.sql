{#-
    Seeds on Spark (dbt-spark `session` method). Two problems with dbt-spark's own macros:
    1. column_types are used verbatim, and Spark rejects `varchar` without a length: every
       type goes through portable_type (here and in spark_seed_rows.sql).
    2. its row loader binds values by plain `'%s'` substitution: quotes and backslashes in
       text are not escaped and a NULL becomes the string 'None'. spark_seed_rows.sql writes
       rows as escaped Spark literals instead (NULL stays NULL).
    DuckDB loads seeds with its own COPY and is untouched (these are spark__ only).
-#}
{% macro portable_seed_model(model) -%}
    {%- set column_types = {} -%}
    {%- for col_name, col_type in (model['config'].get('column_types') or {}).items() -%}
        {%- do column_types.update({col_name: portable_type(col_type)}) -%}
    {%- endfor -%}
    {%- set config = model['config'].copy() -%}
    {%- do config.update({'column_types': column_types}) -%}
    {%- set translated = model.copy() -%}
    {%- do translated.update({'config': config}) -%}
    {{ return(translated) }}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {{ return(dbt.spark__create_csv_table(portable_seed_model(model), agate_table)) }}
{%- endmacro %}
