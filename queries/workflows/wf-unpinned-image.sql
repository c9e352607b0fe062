-- id: wf-unpinned-image
-- title: Container image not pinned to a digest
-- severity: low
-- platforms: github, azure_devops, gitlab
-- description: A job or service container image referenced by tag (or latest, or no tag) can change under the pipeline when the tag is re-pushed.
-- remediation: Reference job and service images by digest (image@sha256:...) and update digests through Dependabot or Renovate.
-- tactics: initial-access, execution
-- references: zizmor unpinned-images; Scorecard Pinned-Dependencies
WITH images AS (
    SELECT platform, host, org, project, repo, path, pipeline_id, job_id, 'container' AS role, container_image AS image,
           coalesce(key_lines['container'], key_lines['image'], line) AS line
    FROM pipeline_jobs WHERE container_image IS NOT NULL
    UNION ALL
    SELECT platform, host, org, project, repo, path, pipeline_id, job_id, 'service' AS role, image, services_line AS line
    FROM (SELECT platform, host, org, project, repo, path, pipeline_id, job_id, unnest(services) AS image,
                 coalesce(key_lines['services'], line) AS services_line
          FROM pipeline_jobs WHERE coalesce(cardinality(services), 0) > 0) s
)
SELECT
    'job' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || coalesce(path, pipeline_id) || '#' || coalesce(job_id, '') || ' ' || role || ' ' || image AS resource,
    CASE
        WHEN image LIKE '%@sha256:%' THEN 'pinned to a digest'
        WHEN regexp_like(image, '(^|/)Dockerfile[^/]*$') THEN 'built from a Dockerfile in the repository'
        WHEN image LIKE '%${%' OR image LIKE '%$(%' THEN 'image is an expression'
        WHEN NOT regexp_like(image, ':[^/]+$') OR image LIKE '%:latest' THEN 'no tag or latest'
        ELSE 'pinned to a tag, not a digest'
    END AS reason,
    CASE
        WHEN image LIKE '%@sha256:%' THEN 'pass'
        WHEN regexp_like(image, '(^|/)Dockerfile[^/]*$') THEN 'pass'
        WHEN image LIKE '%${%' OR image LIKE '%$(%' THEN 'unknown'
        ELSE 'fail'
    END AS status,
    platform, host, org, project, repo,
    path, line
FROM images
