{#- Rows for which `expression` is not true fail the test (NULL counts as failure unless
    the caller adds a `where` config). -#}
{% test expression_is_true(model, expression) %}

    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)

{% endtest %}
