-- Each printed budget line rolls forward: previous 予算現額 + this amount = this 予算現額.
with

revisions as (

    select * from {{ ref('fct_budget_revisions') }}

),

chained as (

    select
        document_id,
        account_name,
        revision_seq,
        amount_yen,
        budget_after_yen,
        lag(budget_after_yen) over (
            partition by document_id, printed_account_name order by revision_seq
        ) as previous_yen
    from revisions

)

select * from chained
where
    previous_yen is not null
    and amount_yen is not null
    and previous_yen + amount_yen != budget_after_yen
