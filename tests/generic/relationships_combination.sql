{#- Composite foreign key: every row whose `columns` are all non-NULL has a row in `to` with the
    same values in `to_columns` (default: the same names). dbt's `relationships` takes one
    column; DuckDB does not enforce foreign keys in this warehouse (see _marts__docs.md). -#}
{% test relationships_combination(model, columns, to, to_columns=none) %}

    {%- set parent_columns = to_columns or columns -%}
    {%- set matches = [] -%}
    {%- set present = [] -%}
    {%- for column in columns -%}
        {%- do matches.append('child.' ~ column ~ ' = parent.' ~ parent_columns[loop.index0]) -%}
        {%- do present.append('child.' ~ column ~ ' is not null') -%}
    {%- endfor %}

    select child.*
    from {{ model }} as child
    left join {{ to }} as parent
        on {{ matches | join(' and ') }}
    where parent.{{ parent_columns[0] }} is null and {{ present | join(' and ') }}

{% endtest %}
