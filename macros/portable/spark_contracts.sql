{#-
    Contracts on Spark: dbt checks an enforced contract by running
    `select cast(null as <data_type>) ...` built from the yml. The marts' yml uses the
    project's type names (varchar, ...), so on Spark each data_type goes through
    portable_type first; both sides of the comparison are then Spark's own types.
    DuckDB keeps dbt's default (this override is spark__ only).
-#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set col = columns[name].copy() -%}
        {%- if col.get('data_type') is not none -%}
            {%- do col.update({'data_type': portable_type(col['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: col}) -%}
    {%- endfor -%}
    {{ return(dbt.default__get_empty_schema_sql(translated)) }}
{%- endmacro %}
