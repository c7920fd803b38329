{#-
    Engine-neutral ordered string aggregation: the values of `expression` of a group joined by
    `separator` (a SQL string literal) in the order of `order_by`. DuckDB has string_agg with
    ORDER BY; Spark collects (order key, value) pairs, sorts them and joins the values.
-#}
{% macro portable_string_agg(expression, separator, order_by) -%}
    {%- if adapter is not defined -%}
        string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
    {%- else -%}
        {{ return(adapter.dispatch('portable_string_agg', 'municipal_reports')(
            expression, separator, order_by)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__portable_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__portable_string_agg(expression, separator, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ expression }}))),
            pair -> pair.v
        ),
        {{ separator }}
    )
{%- endmacro %}
