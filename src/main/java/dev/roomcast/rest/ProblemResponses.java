package dev.roomcast.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The one place that says what an error response looks like in the OpenAPI document: every 4xx and 5xx response an
 * endpoint declares (with its own description) gets the {@link Problem} body, so that no resource repeats it. Runs at
 * build time.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    static final String SCHEMA = "Problem";
    private static final String REF = "#/components/schemas/" + SCHEMA;

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
            return operation;
        }
        for (Map.Entry<String, APIResponse> response :
                operation.getResponses().getAPIResponses().entrySet()) {
            if (isError(response.getKey()) && response.getValue().getContent() == null) {
                response.getValue()
                        .setContent(OASFactory.createContent()
                                .addMediaType(
                                        "application/json",
                                        OASFactory.createMediaType()
                                                .schema(OASFactory.createSchema()
                                                        .ref(REF))));
            }
        }
        return operation;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        if (openAPI.getComponents().getSchemas() == null
                || !openAPI.getComponents().getSchemas().containsKey(SCHEMA)) {
            openAPI.getComponents()
                    .addSchema(
                            SCHEMA,
                            OASFactory.createSchema()
                                    .description(
                                            "The body of every error: a code of the protocol's error codes, and a message for people")
                                    .addType(Schema.SchemaType.OBJECT)
                                    .addProperty(
                                            "code", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                    .addProperty(
                                            "message", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                    .required(List.of("code", "message")));
        }
    }

    private static boolean isError(String status) {
        return status.startsWith("4") || status.startsWith("5");
    }
}
