with

it_systems as (

    select * from {{ ref('stg_ingest__it_systems') }}

),

areas as (

    select * from {{ ref('int_it_system_areas') }}

)

select
    it_systems.municipality_code,
    it_systems.fiscal_year,
    it_systems.document_id,
    it_systems.source_line,
    it_systems.system_name,
    it_systems.system_group,
    areas.standard_business_area,
    it_systems.note_marks,
    it_systems.status,
    it_systems.note
from it_systems
left join areas
    on it_systems.system_name = areas.system_name
