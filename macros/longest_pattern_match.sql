{#-
    Map each value of `column` in relation `from_cte` to `target_column` of a reviewed pattern
    seed (columns `pattern`, `<target_column>`): the longest pattern contained in the value wins.
    One home for every name → category mapping (accounts, lenders, funds, business areas).
    `also` names further columns of the seed taken from the same winning row.
    `instr` and window functions are portable across DuckDB and Spark.
-#}
{% macro longest_pattern_match(from_cte, column, patterns, target_column, also=[]) -%}
    select
        {{ column }},
        {{ target_column }}{% for extra in also %},
        {{ extra }}{% endfor %}
    from (
        select
            v.{{ column }},
            p.{{ target_column }},{% for extra in also %}
            p.{{ extra }},{% endfor %}
            row_number() over (
                partition by v.{{ column }}
                order by length(p.pattern) desc, p.pattern
            ) as match_rank
        from {{ from_cte }} as v
        left join {{ patterns }} as p
            on instr(v.{{ column }}, p.pattern) > 0
    ) as ranked
    where match_rank = 1
{%- endmacro %}
