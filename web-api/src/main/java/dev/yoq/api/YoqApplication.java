package dev.yoq.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The yoq REST API, at the root of port 7700 (MicroProfile owns /health, /metrics and /openapi beside it). */
@ApplicationPath("/")
@OpenAPIDefinition(info = @Info(title = "yoq API", version = "1",
        description = "Every route needs Authorization: Bearer <token> except GET /version."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
public class YoqApplication extends Application {
}
