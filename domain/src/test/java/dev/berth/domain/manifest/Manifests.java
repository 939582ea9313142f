package dev.berth.domain.manifest;

import java.nio.charset.StandardCharsets;

/** Realistic manifests as clients push them. */
final class Manifests {

    static final String CONFIG_DIGEST = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";
    static final String LAYER_1 = "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f";
    static final String LAYER_2 = "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b";
    static final String LAYER_3 = "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736";
    static final String AMD64_MANIFEST = "sha256:bf2927bc4522ec98344f880cb6f0dd76ada4ac172f5f0f00dbb1ad8ee77663d7";
    static final String ARM64_MANIFEST = "sha256:d684fb907e80880311c8425fd50be1be68f9bc32589535843c0abfdd8df958a8";
    static final String SBOM_MANIFEST = "sha256:4fc0576a797fc065bdb12c3e9a954521ef55604106a4a427e3d1b38a4cb0effc";
    static final String WINDOWS_MANIFEST = "sha256:f72e91f02e90f084aea37472dbf7eceec0786da58cadb2c19a3bf4143f97eed5";
    static final String SBOM_LAYER = "sha256:8a4121b7697138cb6d09052b903b62c601d387918b025e36c987fac8e18ed2c0";
    static final String EMPTY_JSON = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    /** What {@code docker push} sends for a three-layer image. */
    static final String DOCKER_IMAGE = """
            {
               "schemaVersion": 2,
               "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
               "config": {
                  "mediaType": "application/vnd.docker.container.image.v1+json",
                  "size": 7023,
                  "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"
               },
               "layers": [
                  {
                     "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                     "size": 32654,
                     "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"
                  },
                  {
                     "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                     "size": 16724,
                     "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b"
                  },
                  {
                     "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                     "size": 73109,
                     "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736"
                  }
               ]
            }""";

    /** What {@code docker buildx} sends for a two-platform image. */
    static final String DOCKER_MANIFEST_LIST = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
              "manifests": [
                {
                  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                  "size": 1570,
                  "digest": "sha256:bf2927bc4522ec98344f880cb6f0dd76ada4ac172f5f0f00dbb1ad8ee77663d7",
                  "platform": {"architecture": "amd64", "os": "linux"}
                },
                {
                  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                  "size": 1570,
                  "digest": "sha256:d684fb907e80880311c8425fd50be1be68f9bc32589535843c0abfdd8df958a8",
                  "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}
                }
              ]
            }""";

    /** An OCI index bundling an SBOM artifact and a Windows image. */
    static final String OCI_INDEX_WITH_ARTIFACT_TYPE = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "artifactType": "application/vnd.example.bundle.v1+json",
              "manifests": [
                {
                  "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "digest": "sha256:4fc0576a797fc065bdb12c3e9a954521ef55604106a4a427e3d1b38a4cb0effc",
                  "size": 721,
                  "artifactType": "application/spdx+json"
                },
                {
                  "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "digest": "sha256:f72e91f02e90f084aea37472dbf7eceec0786da58cadb2c19a3bf4143f97eed5",
                  "size": 1024,
                  "platform": {
                    "architecture": "amd64",
                    "os": "windows",
                    "os.version": "10.0.17763.1",
                    "os.features": ["win32k"]
                  }
                }
              ],
              "annotations": {"org.opencontainers.image.created": "2024-05-01T12:00:00Z"}
            }""";

    /** What {@code oras attach} sends: an SBOM attached to an image, with the empty config. */
    static final String OCI_ARTIFACT_WITH_SUBJECT = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "artifactType": "application/spdx+json",
              "config": {
                "mediaType": "application/vnd.oci.empty.v1+json",
                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                "size": 2,
                "data": "e30="
              },
              "layers": [
                {
                  "mediaType": "application/spdx+json",
                  "digest": "sha256:8a4121b7697138cb6d09052b903b62c601d387918b025e36c987fac8e18ed2c0",
                  "size": 4096,
                  "annotations": {"org.opencontainers.image.title": "sbom.spdx.json"}
                }
              ],
              "subject": {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:bf2927bc4522ec98344f880cb6f0dd76ada4ac172f5f0f00dbb1ad8ee77663d7",
                "size": 1570
              },
              "annotations": {"org.opencontainers.image.created": "2024-05-01T12:00:00Z"}
            }""";

    /** What {@code helm push} sends: no top-level mediaType (optional for OCI), a custom config type. */
    static final String HELM_CHART = """
            {"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json",\
            "digest":"sha256:6b85c03e9c6b793432eb0931640874db5c43a1b4a2cab44e865925b7fd7cac2e","size":117},\
            "layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip",\
            "digest":"sha256:a2c10d4e4d9ff3b15ea27f37e257d454f45ed50707fd221ad98e4c94cf9073f3","size":3617}],\
            "annotations":{"org.opencontainers.image.title":"mychart","org.opencontainers.image.version":"0.1.0"}}""";

    private Manifests() {
    }

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
