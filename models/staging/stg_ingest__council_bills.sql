with

source as (

    select * from {{ ref('raw_council_bills') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        session_label,
        category,
        bill_kind,
        bill_no,
        bill_label,
        title,
        submitted_on,
        submitted_by,
        committee,
        committee_result,
        decided_on,
        reported_on,
        result,
        status,
        note
    from source

)

select * from renamed
