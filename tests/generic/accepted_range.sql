{#- Values outside [min_value, max_value] fail; NULL passes (use not_null for that). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

    select *
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            {{ column_name }} < {{ min_value if min_value is not none else column_name }}
            or {{ column_name }} > {{ max_value if max_value is not none else column_name }}
        )

{% endtest %}
