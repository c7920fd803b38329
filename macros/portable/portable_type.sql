{#-
    Engine-neutral type names. Models, seeds (column_types) and contracts (data_type) are
    written with DuckDB / ANSI names (varchar, integer, bigint, double, boolean, date,
    decimal(p,s)); this maps one to the name the target engine accepts. Spark has no
    unsized varchar (DATATYPE_MISSING_SIZE) and no text: both become string there.
    Usage in a model: cast(item_no as {{ portable_type('varchar') }})
-#}
{% macro portable_type(type_name) -%}
    {#- `adapter` is undefined only under sqlfluff's jinja templater (lint): keep the name. -#}
    {%- if adapter is not defined -%}
        {{ return(type_name) }}
    {%- endif -%}
    {{ return(adapter.dispatch('portable_type', 'municipal_reports')(type_name)) }}
{%- endmacro %}

{% macro default__portable_type(type_name) -%}
    {{ return(type_name) }}
{%- endmacro %}

{% macro duckdb__portable_type(type_name) -%}
    {{ return(type_name) }}
{%- endmacro %}

{% macro spark__portable_type(type_name) -%}
    {%- set name = type_name | trim | lower -%}
    {%- set base = name.split('(')[0] | trim -%}
    {%- set aliases = {
        'varchar': 'string', 'text': 'string', 'char': 'string', 'bpchar': 'string',
        'character varying': 'string', 'double precision': 'double', 'real': 'float',
        'float8': 'double', 'float4': 'float', 'int4': 'int', 'int8': 'bigint',
        'int2': 'smallint', 'hugeint': 'decimal(38,0)', 'bool': 'boolean',
    } -%}
    {{ return(aliases.get(base, type_name)) }}
{%- endmacro %}
