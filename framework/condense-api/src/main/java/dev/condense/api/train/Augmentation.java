package dev.condense.api.train;

/**
 * Data augmentation applied to the training rows of image data {@code [N, C, H, W]}, drawn afresh every epoch.
 *
 * <p>{@code shift}: every image moves by its own random whole-pixel offset {@code (dy, dx)}, each uniform in
 * {@code [-shift, shift]}; pixels moved in from outside are 0 (the background of raw MNIST-style images). Random
 * translation is the classic augmentation for handwritten digits (Simard, Steinkraus &amp; Platt 2003, "Best
 * Practices for Convolutional Neural Networks Applied to Visual Document Analysis"). Evaluation never augments.
 *
 * @param shift largest offset in pixels, in [0, 8]; 0 = no augmentation
 */
public record Augmentation(int shift) {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0);

    public Augmentation {
        if (shift < 0 || shift > 8) {
            throw new IllegalArgumentException("shift must be in [0, 8] pixels, was " + shift);
        }
    }

    /** True when training rows are changed. */
    public boolean active() {
        return shift > 0;
    }
}
