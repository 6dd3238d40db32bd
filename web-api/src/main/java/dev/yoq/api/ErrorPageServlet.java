package dev.yoq.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page of the web container (WEB-INF/web.xml): requests Liberty refuses before JAX-RS sees them
 * ({@code %2F} or {@code %00} in a path, ...) leave as {@code {"error":...}} too, never as HTML.
 */
@WebServlet(urlPatterns = ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {
    static final String PATH = "/__yoq_error";

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 404;
        String message = status == 400 ? "malformed request"
                : status == 500 ? "internal error" : ErrorMappers.WebErrors.message(status);
        byte[] body = new ErrorBody(message, null).toJson().getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
