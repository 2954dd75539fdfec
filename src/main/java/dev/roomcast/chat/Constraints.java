package dev.roomcast.chat;

import org.hibernate.exception.ConstraintViolationException;

/** Tells which database constraint a failed write hit, through whatever wraps the driver's exception. */
final class Constraints {

    private Constraints() {}

    static boolean violated(Throwable failure, String constraint) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation
                    && constraint.equalsIgnoreCase(violation.getConstraintName())) {
                return true;
            }
            // The reactive driver's own exception names the constraint only in its message.
            if (cause.getMessage() != null && cause.getMessage().contains(constraint)) {
                return true;
            }
        }
        return false;
    }
}
