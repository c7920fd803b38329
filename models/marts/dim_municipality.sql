with

documents as (

    select * from {{ ref('stg_ingest__documents') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

present as (

    select distinct municipality_code from documents

)

select
    present.municipality_code,
    municipalities.municipality_name,
    municipalities.prefecture_name
from present
left join municipalities
    on present.municipality_code = municipalities.municipality_code
