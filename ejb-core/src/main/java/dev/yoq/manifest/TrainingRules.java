package dev.yoq.manifest;

import java.util.List;

import dev.yoq.manifest.Manifest.TrainingJob;

/** Rules of {@code [training.<name>]} (spec §3.14). */
final class TrainingRules {

    private TrainingRules() {
    }

    static void check(TrainingJob j, List<Problem> problems) {
        String at = "training." + j.name();
        if (j.gpus() < 1) {
            problems.add(Problem.error("InvalidTrainingConfig", at + ".gpus", "required: 1 or more (one rank per GPU), got "
                    + (j.gpus() == 0 ? "nothing" : j.gpus())));
        }
        if (j.data() != null && (j.data().dataset() == null || j.data().dataset().isEmpty())) {
            problems.add(Problem.error("InvalidTrainingConfig", at + ".data.dataset", "required when [" + at + ".data] is present"));
        }
        if (j.checkpoint() != null) {
            String path = j.checkpoint().path();
            if (path == null || path.isEmpty()) {
                problems.add(Problem.error("InvalidTrainingConfig", at + ".checkpoint.path", "required when [" + at + ".checkpoint] is present"));
            } else if (!path.startsWith("/")) {
                problems.add(Problem.error("InvalidTrainingConfig", at + ".checkpoint.path",
                        "training '" + j.name() + "' checkpoint path must be absolute (start with /)"));
            }
            if (j.checkpoint().intervalSecs() < 1) {
                problems.add(Problem.error("InvalidTrainingConfig", at + ".checkpoint.interval", "must be more than 0"));
            }
        }
    }
}
